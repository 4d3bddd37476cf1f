import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledDataDir, cacheDir, resolveStorePath } from "./paths.js";

describe("cacheDir", () => {
  it("uses $XDG_CACHE_HOME when it is an absolute path, on any platform", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "/x/cache" }, "linux", "/home/u")).toBe("/x/cache/depwarden");
    expect(cacheDir({ XDG_CACHE_HOME: "/x/cache" }, "darwin", "/Users/u")).toBe("/x/cache/depwarden");
  });

  it("ignores a relative $XDG_CACHE_HOME, as the XDG spec says", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "cache" }, "linux", "/home/u")).toBe("/home/u/.cache/depwarden");
    expect(cacheDir({ XDG_CACHE_HOME: "" }, "linux", "/home/u")).toBe("/home/u/.cache/depwarden");
  });

  it("follows the platform's convention otherwise", () => {
    expect(cacheDir({}, "linux", "/home/u")).toBe("/home/u/.cache/depwarden");
    expect(cacheDir({}, "freebsd", "/home/u")).toBe("/home/u/.cache/depwarden");
    expect(cacheDir({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Caches/depwarden");
    expect(cacheDir({ LOCALAPPDATA: "/c/Users/u/AppData/Local" }, "win32", "/c/Users/u")).toBe(
      join("/c/Users/u/AppData/Local", "depwarden", "Cache"),
    );
    expect(cacheDir({}, "win32", "/c/Users/u")).toBe(
      join("/c/Users/u", "AppData", "Local", "depwarden", "Cache"),
    );
  });
});

describe("resolveStorePath", () => {
  it("--db wins over $DEPWARDEN_DB, which wins over the cache directory", () => {
    const env = { DEPWARDEN_DB: "/env/store.db", XDG_CACHE_HOME: "/xdg" };
    expect(resolveStorePath("flag.db", env)).toBe(resolve("flag.db"));
    expect(resolveStorePath(undefined, env)).toBe("/env/store.db");
    expect(resolveStorePath(undefined, { XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/depwarden/advisories.db");
    expect(resolveStorePath(undefined, { DEPWARDEN_DB: "", XDG_CACHE_HOME: "/xdg" })).toBe(
      "/xdg/depwarden/advisories.db",
    );
  });
});

describe("bundledDataDir", () => {
  it("finds the snapshot shipped with the package, from the module's own location", () => {
    expect(existsSync(join(bundledDataDir(), "PyPI", "all.zip"))).toBe(true);
    expect(existsSync(join(bundledDataDir(), "npm", "all.zip"))).toBe(true);
  });
});
