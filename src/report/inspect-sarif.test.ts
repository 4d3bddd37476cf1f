import { describe, expect, it } from "vitest";
import { inspectPaths } from "../analysis/code/inspect.js";
import { validateSarif } from "../test-helpers/sarif.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { formatInspectSarif } from "./inspect-sarif.js";

describe("inspect SARIF", () => {
  it("is valid SARIF 2.1.0, one rule per rule id, results at the file and line, accepted ones suppressed", async () => {
    const code = 'import base64\nexec(base64.b64decode("cHJpbnQoMSk="))\n';
    const dir = tmpTree({ "a.py": code, "b.py": code });
    const report = await inspectPaths([dir], { workers: 0, failOn: "high" });
    const doc = JSON.parse(formatInspectSarif(report, { toolVersion: "1.2.3" }));
    expect(validateSarif(doc), JSON.stringify(validateSarif.errors)).toBe(true);
    const run = doc.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const hits = run.results.filter((r: { ruleId: string }) => r.ruleId === "exec-obfuscated");
    expect(hits).toHaveLength(2);
    expect(hits[0].locations[0].physicalLocation.region.startLine).toBe(2);
    expect(hits[0].level).toBe("error");
  });
});
