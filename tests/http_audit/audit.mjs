// Runs graphql-http's server audits (the GraphQL-over-HTTP spec) against a running crmgraph and
// prints one JSON line per audit: {id, name, status, reason}. The token goes on every request.
// Usage: node audit.mjs <url> <token>. Always exits 0: tests/test_http_audit.py judges the lines.
import { serverAudits } from "graphql-http";

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set("authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

for (const audit of serverAudits({ url, fetchFn })) {
  let result;
  try {
    result = await audit.fn();
  } catch (error) {
    result = { id: audit.id, name: audit.name, status: "error", reason: `the audit threw: ${error}` };
  }
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? "" }));
}
