// Preload for scripts run with `node --require ./bin/uv-pool.cjs` (benchmarks): the same pool
// setting as bin/spark.js, which must be in place before libuv starts its thread pool (an ES
// module runs too late). See bin/spark.js for the measurement behind it.
"use strict";
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = "1";
