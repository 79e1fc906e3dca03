/**
 * A loopback HTTP server that answers like the Hugging Face Hub for what Spark (and
 * node-llama-cpp) ask: `GET /v2/USER/REPO/manifests/TAG` (only for the llama-cpp user agent),
 * `GET /api/models/USER/REPO`, and `GET|HEAD /USER/REPO/resolve/REV/FILE`, which redirects (302,
 * with X-Linked-Size / X-Linked-Etag, like the Hub) to `/cdn/SHA256` serving the bytes with
 * ETag, Content-Length, Range and If-Range. Anything else is logged in `unknown` and gets 404.
 * Faults are injected per file request through `plan`, and waits are on events, never timers.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does with one file request. Default: serve it all. */
export interface FilePlan {
  /** Answer with this status and no body. */
  status?: number;
  /** Send this many body bytes, then destroy the socket. */
  dropAfter?: number;
  /** Send this many body bytes, then stall until the client goes away. */
  holdAfter?: number;
  /** Content-Type of the body. Default application/octet-stream. */
  contentType?: string;
}

/** One logged request. */
export interface HubRequest {
  method: string;
  path: string;
  range?: string;
  ifRange?: string;
  userAgent?: string;
  authorization?: string;
}

/** One body response of `/cdn/`: where it started and how many bytes went out. */
export interface FileServe {
  file: string;
  status: number;
  start: number;
  bytesSent: number;
}

export interface FakeHubOptions {
  /** `"user/repo"` → file path in the repo → bytes. */
  repos: Record<string, Record<string, Buffer>>;
  /** Serve the `/v2/.../manifests/TAG` endpoint. Default true. */
  manifests?: boolean;
  /** Decides each `/cdn/` GET (attempt counts from 0 per file). */
  plan?: (info: { file: string; attempt: number; start: number }) => FilePlan;
}

export interface FakeHub {
  /** Endpoint with a trailing slash, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  requests: HubRequest[];
  unknown: string[];
  serves: FileServe[];
  /** Replace a file's bytes (a new version: new ETag). */
  setFile(repo: string, file: string, bytes: Buffer): void;
  close(): Promise<void>;
}

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

function quantOfName(file: string): string | undefined {
  return /[-._]((?:I?Q\d|F16|F32|BF16)[A-Z0-9_]*)\.gguf$/i.exec(file)?.[1]?.toUpperCase();
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the fake hub on 127.0.0.1 with an ephemeral port. */
export async function startFakeHub(opts: FakeHubOptions): Promise<FakeHub> {
  const repos = new Map(Object.entries(opts.repos).map(([k, v]) => [k, new Map(Object.entries(v))]));
  const blobs = new Map<string, { file: string; bytes: Buffer }>();
  const attempts = new Map<string, number>();
  const hub: Omit<FakeHub, "url" | "close"> = {
    requests: [],
    unknown: [],
    serves: [],
    setFile(repo, file, bytes) {
      repos.get(repo)?.set(file, bytes);
    },
  };

  const serveBlob = (req: http.IncomingMessage, res: http.ServerResponse, hash: string): void => {
    const blob = blobs.get(hash);
    if (!blob) return json(res, 404, { error: "Entry not found" });
    const { bytes, file } = blob;
    const etag = `"${hash}"`;
    const common = { ETag: etag, "Accept-Ranges": "bytes" };
    if (req.method === "HEAD") {
      res.writeHead(200, { ...common, "Content-Length": bytes.length });
      return void res.end();
    }
    const attempt = attempts.get(file) ?? 0;
    attempts.set(file, attempt + 1);
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const ifRange = req.headers["if-range"];
    const rangeOk = m !== null && (ifRange === undefined || ifRange === etag);
    if (rangeOk && m?.[1]) start = Number(m[1]);
    if (rangeOk && start >= bytes.length) {
      res.writeHead(416, { "Content-Range": `bytes */${bytes.length}` });
      return void res.end();
    }
    const plan = opts.plan?.({ file, attempt, start }) ?? {};
    const serve: FileServe = { file, status: plan.status ?? (rangeOk ? 206 : 200), start, bytesSent: 0 };
    hub.serves.push(serve);
    if (plan.status !== undefined) {
      res.writeHead(plan.status, { "Content-Length": 0 });
      return void res.end();
    }
    const headers: http.OutgoingHttpHeaders = {
      ...common,
      "Content-Type": plan.contentType ?? "application/octet-stream",
      "Content-Length": bytes.length - start,
    };
    if (rangeOk) headers["Content-Range"] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(serve.status, headers);
    const body = bytes.subarray(start);
    const cut = plan.dropAfter ?? plan.holdAfter;
    if (cut === undefined) {
      serve.bytesSent = body.length;
      return void res.end(body);
    }
    const part = body.subarray(0, cut);
    serve.bytesSent = part.length;
    if (plan.dropAfter !== undefined) {
      if (part.length === 0) return void res.socket?.destroy();
      res.write(part, () => res.socket?.destroy());
      return;
    }
    res.write(part); // holdAfter: stall until the client disconnects
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = decodeURIComponent(url.pathname);
    hub.requests.push({
      method: req.method ?? "GET",
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(typeof req.headers["if-range"] === "string" ? { ifRange: req.headers["if-range"] } : {}),
      ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/([^/]+\/[^/]+)\/manifests\/([^/]+)$/.exec(path)) && opts.manifests !== false) {
      const files = repos.get(m[1] ?? "");
      if (!files) return json(res, 404, { error: "Repository not found" });
      const tag = (m[2] ?? "").toUpperCase();
      const names = [...files.keys()].filter((f) => f.endsWith(".gguf"));
      const pick = tag === "LATEST" ? (names.find((f) => quantOfName(f) === "Q4_K_M") ?? names[0]) : names.find((f) => quantOfName(f) === tag);
      if (!pick) return json(res, 400, { error: `The specified tag is not available in the repository: ${tag}` });
      if (req.headers["user-agent"] !== "llama-cpp") return json(res, 200, { layers: [] });
      return json(res, 200, { ggufFile: { rfilename: pick, size: files.get(pick)?.length } });
    }
    if ((m = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path))) {
      const files = repos.get(m[1] ?? "");
      if (!files) return json(res, 404, { error: "Repository not found" });
      return json(res, 200, { id: m[1], siblings: [...files.keys()].map((rfilename) => ({ rfilename })) });
    }
    if ((m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path))) {
      const bytes = repos.get(m[1] ?? "")?.get(m[3] ?? "");
      if (!bytes) return json(res, 404, { error: "Entry not found" });
      const hash = sha(bytes);
      blobs.set(hash, { file: m[3] ?? "", bytes });
      res.writeHead(302, { Location: `/cdn/${hash}`, "X-Linked-Size": bytes.length, "X-Linked-Etag": `"${hash}"`, "Content-Length": 0 });
      return void res.end();
    }
    if ((m = /^\/cdn\/([0-9a-f]{64})$/.exec(path))) return serveBlob(req, res, m[1] ?? "");
    hub.unknown.push(`${req.method} ${req.url}`);
    json(res, 404, { error: "unknown" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...hub,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } as FakeHub;
}
