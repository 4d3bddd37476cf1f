/** A mixed npm + PyPI inventory, shaped like buildInventory's output, for the SBOM writer tests. */
import type { Component, Ecosystem, Inventory } from "../../inventory/model.js";
import { buildPurl } from "../../inventory/normalise.js";

type Spec = Partial<Component> & { ecosystem: Ecosystem; name: string; version: string | null };

const purl = (e: Ecosystem, n: string, v: string | null): string => buildPurl(e, n, v);

function component(s: Spec): Component {
  s.dependencies?.sort();
  return {
    purl: purl(s.ecosystem, s.name, s.version),
    direct: false,
    scopes: ["prod"],
    hashes: [],
    sources: [{ file: s.ecosystem === "npm" ? "package-lock.json" : "poetry.lock" }],
    dependencies: [],
    ...s,
  };
}

export const SHA512_EXPRESS =
  "5ea5f7a8a4c5d3e2a9c3c6a2d27dfc8ad58f0d1bb6cbd3a6e6ba30d4a6b1a86e0bd3caff7d9d3f2d5b03a4b8b72c3ac4f5d3b8f0a1c1e48b8fb8bc6d5e6c4a3b";
export const SHA256_REQUESTS_WHL = "58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f";
export const SHA256_REQUESTS_SDIST = "942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1";

export function sampleInventory(): Inventory {
  const components: Component[] = [
    component({ ecosystem: "npm", name: "JSONStream", version: "1.3.5", direct: true, sources: [{ file: "package-lock.json", line: 40 }] }),
    component({
      ecosystem: "npm",
      name: "@babel/core",
      version: "7.24.5",
      direct: true,
      scopes: ["dev"],
      hashes: [`sha512:${"ab".repeat(64)}`],
      sources: [{ file: "package-lock.json", line: 12 }],
      dependencies: [purl("npm", "debug", "4.3.4")],
    }),
    component({ ecosystem: "npm", name: "@a/b", version: "1.0.0", direct: true }),
    component({ ecosystem: "npm", name: "a-b", version: "1.0.0" }),
    component({ ecosystem: "npm", name: "a_b", version: "1.0.0" }),
    component({
      ecosystem: "npm",
      name: "debug",
      version: "4.3.4",
      scopes: ["prod"],
      hashes: ["sha1:1319f6579357f2338d3337d2cdd4914bb5dcc865"],
      dependencies: [purl("npm", "ms", "2.1.2")],
    }),
    component({
      ecosystem: "npm",
      name: "express",
      version: "4.19.2",
      direct: true,
      hashes: [`sha512:${SHA512_EXPRESS}`],
      resolved: "https://registry.npmjs.org/express/-/express-4.19.2.tgz",
      sources: [
        { file: "package-lock.json", line: 20 },
        { file: "packages/api/package-lock.json", line: 8 },
      ],
      dependencies: [purl("npm", "ms", "2.1.2"), purl("npm", "debug", "4.3.4")],
    }),
    // a direct dependency in two scopes (no prod: the pipeline makes any production package prod only)
    component({ ecosystem: "npm", name: "fsevents", version: "2.3.3", direct: true, scopes: ["dev", "optional"] }),
    component({
      ecosystem: "npm",
      name: "left-pad",
      version: "1.3.0",
      direct: true,
      resolved: "git+ssh://git@github.com/left-pad/left-pad.git#5e9a9e8",
      unpinned: { kind: "vcs", spec: "github:left-pad/left-pad#5e9a9e8" },
    }),
    component({ ecosystem: "npm", name: "ms", version: "2.1.2", scopes: ["prod"] }),
    component({ ecosystem: "npm", name: "react", version: "18.3.1", direct: true, scopes: ["peer"] }),
    component({
      ecosystem: "PyPI",
      name: "flask",
      version: null,
      direct: true,
      resolved: "./vendor/flask",
      unpinned: { kind: "range", spec: ">=2.0" },
      sources: [{ file: "requirements.txt", line: 3 }],
    }),
    component({
      ecosystem: "PyPI",
      name: "requests",
      version: "2.31.0",
      direct: true,
      scopes: ["prod"],
      hashes: [`sha256:${SHA256_REQUESTS_WHL}`, `sha256:${SHA256_REQUESTS_SDIST}`],
      markers: 'python_version >= "3.8"',
      extras: ["socks"],
      sources: [{ file: "poetry.lock", line: 101 }],
      dependencies: [purl("PyPI", "urllib3", "2.2.1")],
    }),
    component({ ecosystem: "PyPI", name: "urllib3", version: "2.2.1", scopes: ["prod"] }),
  ];
  return {
    target: ["."],
    components: components.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0)),
    files: [{ file: "package-lock.json", extractor: "package-lock", ecosystem: "npm", packages: 10 }],
    errors: [],
    warnings: [],
  };
}
