#!/usr/bin/env node
// Local Cosmos DB (NoSQL API) emulator for development/integration tests.
//
// Runs @vercel/cosmosdb-server (in-memory, HTTPS with its bundled self-signed
// cert) on 127.0.0.1:$COSMOS_PORT (default 8081) and patches the few places where
// it is incompatible with the Microsoft.Azure.Cosmos .NET SDK (v3, gateway mode).
// Data lives in memory only: restarting the process wipes all databases.
//
// Rather than proxying, we replace the server's single 'request' listener with a
// small wrapper that either answers the request itself or delegates to the
// original handler (so the server still learns its own address for _self links).
"use strict";

const { AsyncLocalStorage } = require("async_hooks");
const { randomUUID } = require("crypto");
const { createHttpsServer } = require("@vercel/cosmosdb-server");
const Items = require("@vercel/cosmosdb-server/lib/account/items").default;

const HOST = "127.0.0.1";
const PORT = parseInt(process.env.COSMOS_PORT || "8081", 10);

// Pass-through query plan. On Linux/macOS the .NET SDK has no native query
// engine (ServiceInterop), so before every query it POSTs the query to the
// gateway with `x-ms-cosmos-is-query-plan-request: True`. cosmosdb-server does
// not implement that and would execute the query instead, which the SDK cannot
// parse as a plan. An "empty" plan (no ORDER BY/aggregates/DISTINCT/TOP/...
// rewrites, whole key range) makes the SDK stream the server's pages as-is.
// That is correct for our usage because every query is single-partition (the
// SDK sends the partition key header) and the server itself evaluates ORDER BY,
// TOP, OFFSET/LIMIT, aggregates, etc. within that partition.
const QUERY_PLAN = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    dCountInfo: null,
    hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
});

// Cosmos error codes by HTTP status, for error bodies the server leaves without `code`.
const ERROR_CODES = {
  400: "BadRequest",
  404: "NotFound",
  409: "Conflict",
  412: "PreconditionFailed",
  413: "RequestEntityTooLarge",
  429: "TooManyRequests"
};

// COSMOS_EMULATOR_DEBUG=1 logs one line per request (method, path, status, notable headers).
const isTrue = v => String(v || "").toLowerCase() === "true";
const DEBUG = process.env.COSMOS_EMULATOR_DEBUG === "1" || isTrue(process.env.COSMOS_EMULATOR_DEBUG);

function sendJson(res, status, body) {
  res.writeHead(status, {
    "content-type": "application/json",
    "x-ms-activity-id": randomUUID(),
    "x-ms-request-charge": "1"
  });
  res.end(body);
}

// Patch 5 (partition-scoped queries): the server ignores the partition key
// header on queries and instead rejects (400 "missing partition keys") any query
// whose WHERE clause lacks `c.<pkPath> = ...`, e.g. LINQ or
// `SELECT * FROM c WHERE c.type = @t` with QueryRequestOptions.PartitionKey set.
// Real Cosmos scopes such queries to the partition. So for query requests that
// carry a single partition key value we skip the server's check and run the
// query only over that partition's documents (continuation tokens still work,
// the filter is the same on every page).
const partitionScope = new AsyncLocalStorage();
const partitionKeyOf = value => (value === undefined ? "undefined" : JSON.stringify(value));

// Every container keeps the rids of each partition's documents beside the server's own maps, so a scoped query
// narrows to its partition in O(documents of the partition) instead of scanning the whole container each time
// (which made a night's apply quadratic in the container's size). Kept in step by the only two places the server
// adds and removes documents: _set (create/replace/upsert) and delete.
function partitionIndex(items) {
  if (!items._ridsByPartition) items._ridsByPartition = new Map();
  return items._ridsByPartition;
}
const originalSet = Items.prototype._set;
Items.prototype._set = function _set(data) {
  const stored = originalSet.call(this, data);
  const key = partitionKeyOf(this._getPartition(stored));
  const index = partitionIndex(this);
  if (!index.has(key)) index.set(key, new Set());
  index.get(key).add(stored._rid);
  return stored;
};
const originalDelete = Items.prototype.delete;
Items.prototype.delete = function del(idOrRid, partition) {
  const existing = this._item("/id", idOrRid, partition).read();
  originalDelete.call(this, idOrRid, partition);
  if (existing) {
    const key = partitionKeyOf(this._getPartition(existing));
    const rids = partitionIndex(this).get(key);
    if (rids) {
      rids.delete(existing._rid);
      if (rids.size === 0) partitionIndex(this).delete(key);
    }
  }
};

const originalQuery = Items.prototype.query;
Items.prototype.query = function query(params, options) {
  const scope = partitionScope.getStore();
  if (!scope) return originalQuery.call(this, params, options);
  const all = this._data;
  const rids = partitionIndex(this).get(partitionKeyOf(scope.value)) || new Set();
  // Synchronous call: temporarily narrow the item map to the requested partition.
  this._data = new Map([...rids].map(rid => [rid, all.get(rid)]));
  try {
    return originalQuery.call(this, params, options);
  } finally {
    this._data = all;
  }
};

function queryPartitionKey(req) {
  const isQuery =
    req.method === "POST" &&
    (isTrue(req.headers["x-ms-documentdb-isquery"]) || req.headers["content-type"] === "application/query+json");
  if (!isQuery || !req.headers["x-ms-documentdb-partitionkey"]) return undefined;
  try {
    const pk = JSON.parse(req.headers["x-ms-documentdb-partitionkey"]);
    // Only simple single-path keys; `[{}]` (PartitionKey.None) and hierarchical keys are left alone.
    if (Array.isArray(pk) && pk.length === 1 && (pk[0] === null || typeof pk[0] !== "object")) return { value: pk[0] };
  } catch {
    /* malformed: let the server answer */
  }
  return undefined;
}

// keepAlive: the server otherwise sends `connection: close` on every response,
// forcing a new TLS handshake per SDK request.
const server = createHttpsServer({ keepAlive: true });
const [originalHandler] = server.listeners("request");
server.removeAllListeners("request");

server.on("request", (req, res) => {
  const path = (req.url || "").split("?")[0].replace(/\/+$/, "");

  if (DEBUG) {
    const flags = ["content-type", "x-ms-cosmos-is-query-plan-request", "x-ms-cosmos-is-batch-request", "x-ms-documentdb-isquery", "x-ms-documentdb-partitionkey", "x-ms-continuation"]
      .filter(h => req.headers[h] !== undefined)
      .map(h => `${h}=${req.headers[h]}`)
      .join(" ");
    res.on("finish", () => console.log(`${req.method} ${req.url} -> ${res.statusCode} ${flags}`));
  }

  // Patch 1: answer query-plan requests ourselves (see QUERY_PLAN above).
  if (req.method === "POST" && isTrue(req.headers["x-ms-cosmos-is-query-plan-request"])) {
    req.resume(); // drain the query body; the plan does not depend on it
    req.on("end", () => sendJson(res, 200, QUERY_PLAN));
    return;
  }

  // Patch 2: TransactionalBatch / bulk (AllowBulkExecution) requests from the
  // .NET SDK use the binary HybridRow format (no content-type); the server only
  // understands the JS SDK's JSON batches and crashes with a 500 + stack trace.
  // Fail fast with a clear, non-retriable 400 instead.
  if (req.method === "POST" && isTrue(req.headers["x-ms-cosmos-is-batch-request"]) && !/json/i.test(req.headers["content-type"] || "")) {
    req.resume();
    req.on("end", () =>
      sendJson(res, 400, JSON.stringify({
        code: "BadRequest",
        message: "TransactionalBatch/bulk (HybridRow format) is not supported by the local Cosmos emulator"
      }))
    );
    return;
  }

  // Patch 3: reading a missing document crashes the server's read handler
  // (TypeError -> 500), so the SDK would throw a 500 instead of NotFound.
  // Turn a 500 on GET .../docs/{id} into a Cosmos-style 404.
  // Patch 4: some handlers return 4xx with an empty `{}` body; add the Cosmos
  // `code` so error messages/diagnostics look like the real service.
  const isDocRead = req.method === "GET" && /\/colls\/[^/]+\/docs\/[^/]+$/.test(path);
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    if (isDocRead && res.statusCode === 500) {
      res.statusCode = 404;
      res.removeHeader("etag");
      chunk = JSON.stringify({
        code: "NotFound",
        message: "Entity with the specified id does not exist in the system."
      });
    } else if (res.statusCode >= 400 && ERROR_CODES[res.statusCode] && typeof chunk === "string") {
      try {
        const body = JSON.parse(chunk);
        if (body && typeof body === "object" && !body.code) {
          body.code = ERROR_CODES[res.statusCode];
          if (!body.message) body.message = `${body.code} (cosmos emulator)`;
          chunk = JSON.stringify(body);
        }
      } catch {
        /* not JSON: leave as is */
      }
    }
    return end(chunk, ...rest);
  };

  const scope = queryPartitionKey(req);
  if (scope) {
    req.headers["x-ms-documentdb-query-enablecrosspartition"] = "True"; // skip the WHERE-clause check (Patch 5)
    partitionScope.run(scope, () => originalHandler(req, res));
    return;
  }
  originalHandler(req, res);
});

// The server logs handler exceptions (e.g. the missing-document TypeError that
// Patch 3 converts) with console.error; keep the log quiet for that known case.
const consoleError = console.error;
console.error = (...args) => {
  const [first] = args;
  if (first instanceof TypeError && /^Cannot read properties of undefined \(reading /.test(first.message)) return;
  consoleError(...args);
};

server.on("error", err => {
  consoleError(`cosmos emulator failed: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  console.log(`cosmos emulator listening on https://${HOST}:${PORT}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => process.exit(0));
}
