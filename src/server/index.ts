/** `spark serve`: the resident model behind an OpenAI-compatible HTTP API. */
export { runServe, type ServeOptions } from "./run-serve.js";
export { startServer, type ServerOptions, type SparkServer } from "./http-server.js";
export { ModelService, type ModelServiceOptions, type Admission, type PreparedJob } from "./model-service.js";
export { chooseSequence, SequenceRouter, type RouteDecision, type SequenceView } from "./sequence-router.js";
export { SequenceGate, QueueFullError, type Turn } from "./sequence-gate.js";
export { SESSION_HEADER } from "./completion-handler.js";
export { isLoopbackHost } from "./auth.js";
