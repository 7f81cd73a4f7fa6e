// `node hcl2json.mjs FILE...`: each Terraform file (.tf, .tfvars) parsed by HashiCorp's own HCL 2
// parser (its WASM build, @cdktf/hcl2json), printed on stdout as one JSON document,
// {"files": [{"path": FILE, "body": {...}}, ...]} in the order given, or {"error": "FILE:LINE: what"}
// for the first file that does not parse. lambda-emu (emulator/cli/terraform_options.cpp) runs it
// before its event loop starts and evaluates what it prints; nothing here is downloaded.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");

// "parse config: [main.tf:2,7-3,1: Invalid expression; Expected ...]" -> "main.tf:2: Invalid expression; Expected ..."
function oneLine(message) {
  let text = String(message).replace(/^parse config: \[/, "").replace(/\]$/, "");
  text = text.replace(/^(.*?):(\d+),\d+(-\d+(,\d+)?)?: /, "$1:$2: ");
  // The parser joins further diagnostics with ", FILE:LINE,COLUMN...": the first says what is wrong.
  text = text.split(/,? \S+:\d+,\d+(-\d+)?(,\d+)?: /)[0];
  return text.split("\n")[0];
}

const files = [];
for (const path of process.argv.slice(2)) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: `${path}: ${error.code ?? error.message}` }) + "\n");
    process.exit(0);
  }
  try {
    files.push({ path, body: await parse(path, text) });
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: oneLine(error?.message ?? error) }) + "\n");
    process.exit(0);
  }
}
process.stdout.write(JSON.stringify({ files }) + "\n");
