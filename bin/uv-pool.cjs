// One libuv pool thread, set before libuv starts its pool (an ES module runs too late). Loaded
// first by bin/spark.js, and by benchmark scripts with `node --require ./bin/uv-pool.cjs`. See
// bin/spark.js for the measurement behind it.
"use strict";
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = "1";
