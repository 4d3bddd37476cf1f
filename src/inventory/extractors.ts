/** Every extractor, in one list. Adding a format = one module + one line here. */
import type { DirExtractor, FileExtractor } from "./extractor.js";
import { nodeModulesExtractor } from "./npm/node-modules.js";
import { packageJsonExtractor } from "./npm/package-json.js";
import { packageLockExtractor } from "./npm/package-lock.js";
import { pnpmLockExtractor } from "./npm/pnpm-lock.js";
import { yarnLockExtractor } from "./npm/yarn-lock.js";
import { pdmLockExtractor } from "./pypi/pdm-lock.js";
import { pipfileExtractor } from "./pypi/pipfile.js";
import { pipfileLockExtractor } from "./pypi/pipfile-lock.js";
import { poetryLockExtractor } from "./pypi/poetry-lock.js";
import { pylockExtractor } from "./pypi/pylock.js";
import { pyprojectExtractor } from "./pypi/pyproject.js";
import { requirementsExtractor } from "./pypi/requirements.js";
import { sitePackagesExtractor } from "./pypi/site-packages.js";
import { uvLockExtractor } from "./pypi/uv-lock.js";
import { cyclonedxExtractor } from "./sbom/cyclonedx.js";
import { purlListExtractor } from "./sbom/purls.js";
import { spdxExtractor } from "./sbom/spdx.js";

export const FILE_EXTRACTORS: readonly FileExtractor[] = [
  requirementsExtractor,
  pipfileLockExtractor,
  pipfileExtractor,
  pyprojectExtractor,
  poetryLockExtractor,
  uvLockExtractor,
  pdmLockExtractor,
  pylockExtractor,
  packageLockExtractor,
  packageJsonExtractor,
  yarnLockExtractor,
  pnpmLockExtractor,
  cyclonedxExtractor,
  spdxExtractor,
];

/** Read only when named explicitly (`--purls FILE`): a purl list has no file name of its own. */
export const EXPLICIT_EXTRACTORS: readonly FileExtractor[] = [purlListExtractor];

export const DIR_EXTRACTORS: readonly DirExtractor[] = [sitePackagesExtractor, nodeModulesExtractor];

export function extractorById(id: string): FileExtractor | DirExtractor | undefined {
  return [...FILE_EXTRACTORS, ...EXPLICIT_EXTRACTORS, ...DIR_EXTRACTORS].find((e) => e.id === id);
}
