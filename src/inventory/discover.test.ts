import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { tmpTree } from "../test-helpers/tmp.js";
import { discover } from "./discover.js";

const found = async (root: string, options = {}) =>
  (await discover(root, ".", options)).map((i) => relative(root, i.path).split("\\").join("/")).sort();

describe("discover and .gitignore", () => {
  it("a deeper .gitignore re-includes what a shallower one ignores, as git does", async () => {
    const root = tmpTree({
      ".gitignore": "requirements*.txt\n",
      "requirements.txt": "a==1\n",
      "sub/.gitignore": "!requirements.txt\n",
      "sub/requirements.txt": "b==1\n",
      "other/requirements.txt": "c==1\n",
    });
    expect(await found(root)).toEqual(["sub/requirements.txt"]);
  });

  it("--exclude wins over a re-include", async () => {
    const root = tmpTree({ "sub/.gitignore": "!requirements.txt\n", "sub/requirements.txt": "b==1\n" });
    expect(await found(root, { exclude: ["sub/"] })).toEqual([]);
    expect(await found(root, { exclude: ["*.txt"] })).toEqual([]);
  });
});
