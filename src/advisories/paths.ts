/** Where the advisory store and the bundled snapshot live. */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const STORE_FILE_NAME = "advisories.db";

/**
 * The per-user cache directory for depwarden: `$XDG_CACHE_HOME/depwarden` when set (on any platform, as most
 * command-line tools do), else the platform's convention: `~/Library/Caches/depwarden` on macOS,
 * `%LOCALAPPDATA%\depwarden\Cache` on Windows, `~/.cache/depwarden` elsewhere.
 */
export function cacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "depwarden");
  if (platform === "darwin") return join(home, "Library", "Caches", "depwarden");
  if (platform === "win32") {
    const local = env.LOCALAPPDATA || join(home, "AppData", "Local");
    return join(local, "depwarden", "Cache");
  }
  return join(home, ".cache", "depwarden");
}

/** The store to use: `--db PATH`, else `$DEPWARDEN_DB`, else `advisories.db` in the cache directory. */
export function resolveStorePath(db?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (db) return resolve(db);
  if (env.DEPWARDEN_DB) return resolve(env.DEPWARDEN_DB);
  return join(cacheDir(env), STORE_FILE_NAME);
}

/** The bundled snapshot shipped in the package: `data/osv/<Ecosystem>/all.zip` (dist mirrors src). */
export function bundledDataDir(): string {
  return fileURLToPath(new URL("../../data/osv/", import.meta.url));
}
