// The load driver's twin for the official Node SDK (@descope/node-sdk): N password sign-ins at
// concurrency C against DESCOPE_BASE_URL, printing the same line as `cargo bench --bench load`,
// so both clients can be compared against the same server.
//
//   npm install @descope/node-sdk@2.13.0          # in a scratch directory
//   NODE_PATH=<scratch>/node_modules DESCOPE_BASE_URL=http://127.0.0.1:<port> \
//     DESCOPE_PROJECT_ID=P2load node benches/node-load.mjs 10000 8
//
// The user (load@example.com / Load-Passw0rd-1) is signed up first when it does not exist.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const sdk = require("@descope/node-sdk");
const DescopeClient = typeof sdk === "function" ? sdk : sdk.default;

const [requests = 10000, concurrency = 8] = process.argv.slice(2).map(Number);
const baseUrl = process.env.DESCOPE_BASE_URL;
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(baseUrl ?? "")) {
  throw new Error(`only loopback servers: ${baseUrl}`);
}
const client = DescopeClient({ projectId: process.env.DESCOPE_PROJECT_ID, baseUrl });
const [loginId, password] = ["load@example.com", "Load-Passw0rd-1"];
await client.password.signUp(loginId, password);
for (let i = 0; i < concurrency; i++) {
  const answer = await client.password.signIn(loginId, password);
  if (!answer.ok) throw new Error(`warm-up sign-in failed: ${JSON.stringify(answer.error)}`);
}

let next = 0;
let failed = 0;
const latencies = [];
const deadline = Date.now() + 300_000;
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next++ < requests && Date.now() < deadline) {
      const at = process.hrtime.bigint();
      const answer = await client.password.signIn(loginId, password);
      if (answer.ok) latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
      else failed++;
    }
  }),
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.max(1, Math.ceil(q * latencies.length)) - 1] ?? 0;
const done = latencies.length + failed;
console.log(
  `sign-ins ${done} at concurrency ${concurrency} in ${seconds.toFixed(2)} s: ` +
    `${Math.round(done / seconds)} requests/s, p50 ${at(0.5).toFixed(2)} ms, ` +
    `p99 ${at(0.99).toFixed(2)} ms, client CPU ${((cpu.user + cpu.system) / done).toFixed(1)} ` +
    `µs per call, ${failed} failed`,
);
