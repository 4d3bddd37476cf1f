import { normalisePypiName } from "../inventory/normalise.js";

/**
 * A package name as its ecosystem compares names when matching advisories: PEP 503 for PyPI; npm
 * case-insensitively, since npm refuses new names that differ from an existing one only in case, and advisory
 * databases do not always keep the published case (a real GHSA record names the package `Axios`).
 */
export function nameKey(ecosystem: string, name: string): string {
  return ecosystem === "PyPI" ? normalisePypiName(name) : name.toLowerCase();
}
