/**
 * Typosquat detection: does a package name imitate a popular one? See docs/typosquat.md for the techniques,
 * the severities and the measured precision.
 *
 * Each popularity list is indexed once (names by first letter and length for edit distance, separator and
 * look-alike skeletons, sorted words, affix-free cores, npm scopes), so checking a name costs a few map look-ups
 * and a banded edit distance against a handful of names, whatever the size of the list.
 */
import { nameKey } from "../advisories/names.js";
import type { Ecosystem } from "../inventory/model.js";
import type { PopularEntry, PopularList } from "./popular.js";
import { SEVERITY_ORDER, type Severity } from "./severity.js";

export type TyposquatTechnique =
  | "edit-distance"
  | "transposition"
  | "separator"
  | "affix"
  | "token-order"
  | "homoglyph"
  | "scope-confusion"
  | "combosquat";

export interface TyposquatMatch {
  ecosystem: Ecosystem;
  /** The name checked, as given. */
  name: string;
  /** The popular package it looks like, as the list writes it. */
  imitates: string;
  technique: TyposquatTechnique;
  severity: Severity;
  imitatedRank: number;
  imitatedDownloads?: number;
  /** One sentence: the imitated package, its popularity, the technique, and that the name is not popular. */
  why: string;
}

export interface TyposquatOptions {
  /**
   * Check the name as if the list did not hold it: it is not "popular", and it is not compared with itself.
   * This is how the list's own precision is measured (would a popular name be flagged if it were not listed?).
   */
  assumeUnpopular?: boolean;
}

/** Imitations of a name at or above this rank can be `high`; others are `medium`. */
export const HIGH_SEVERITY_MAX_RANK = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Tuning. Every threshold was chosen by measuring the bundled lists against themselves and against real benign
// names that are not on them (bench/typosquat.mjs, docs/typosquat.md): change one only with those figures.
// Ranks assume a list of a few thousand names, like the bundled top 5,000.

/**
 * One character added, removed or replaced: the word it changes has at least this length (a typo in `ws`, `mdx`
 * or `numpy` cannot be told from another name: `scapy`/`scipy`, `jiwer`/`jiter` are both real).
 */
const MIN_WORD_EDIT1 = 6;
/** Two adjacent characters swapped: the changed word has at least this length. */
const MIN_LENGTH_TRANSPOSITION = 4;
/** Edit distance 2: both names have at least this length, the changed word at least MIN_WORD_EDIT2. */
const MIN_LENGTH_EDIT2 = 10;
const MIN_WORD_EDIT2 = 8;
/** A word's last letter added, dropped or changed counts only for names at or above this rank. */
const MAX_RANK_WORD_END = 100;
/** Separator games: the imitated name, separators removed, has at least this length. */
const MIN_LENGTH_SKELETON = 3;
/**
 * npm separator games: only names at least 5 times as popular as the bundled list's last (rank 2,000), and not
 * `is-x` or `x-js`: gluing a short word on is a common naming style.
 */
const MAX_RANK_SEPARATOR_NPM = 2000;
/** A one-letter typo in an npm scope: the scope has at least this length (`@type` for `@types`). */
const MIN_LENGTH_SCOPE_EDIT = 4;
/** Look-alike characters: the imitated name has at least this length (`cliff`/`diff`, `yam`/`yarn`). */
const MIN_LENGTH_HOMOGLYPH = 5;
/** Affixes: what is left of the name has at least this length. */
const MIN_LENGTH_CORE = 4;
/** Affixes (except npm's glued `node`) and ecosystem words moved: only near names at or above this rank. */
const MAX_RANK_AFFIX = 100;
const MAX_RANK_TOKENS = 1000;
/** Combosquatting: the imitated name has at least this length and rank. */
const MIN_LENGTH_COMBO = 4;
const MAX_RANK_COMBO = 1000;

const TECHNIQUE_ORDER: readonly TyposquatTechnique[] = [
  "homoglyph",
  "scope-confusion",
  "transposition",
  "separator",
  "edit-distance",
  "token-order",
  "affix",
  "combosquat",
];

/**
 * Affixes that attackers add to, drop from or swap in a popular name, per ecosystem (`python3-dateutil`,
 * `urllib` for `urllib3`, `noderequest`), glued forms included (`pyrequests`). Many popular names are such pairs
 * themselves (`python-dotenv`/`dotenv`, `pyarrow`/`arrow`), so the check is limited to the most popular names.
 */
const AFFIXES: Record<Ecosystem, { prefixes: string[]; suffixes: string[] }> = {
  PyPI: {
    prefixes: ["python3-", "python2-", "python-", "py3-", "py2-", "py-", "python3", "python", "py3", "py"],
    suffixes: ["-python3", "-python", "-py3", "-py", "py"],
  },
  // `node-x`, `x-js`, `x.js` are how npm names ports and variants (`node-fetch`, `source-map-js`, `punycode.js`):
  // only the glued prefix is a lure (`noderequest`).
  npm: { prefixes: ["nodejs", "node"], suffixes: [] },
};
/** Words that mark a name's ecosystem rather than its meaning; moving them around is a token-order game. */
const AFFIX_WORDS = new Set(["python", "python3", "python2", "py", "py3", "node", "nodejs", "js"]);

/**
 * Words that, added to a popular name, make it a lure rather than an extension. Malware words count whatever
 * the name (`axios-stealer`); lure words only where the name has no family of extensions among popular names
 * (`discord.js-user` is a lure, `flask-user` a Flask extension).
 */
const MALWARE_WORDS = new Set([
  "stealer",
  "grabber",
  "nuker",
  "backdoor",
  "keylogger",
  "selfbot",
  "crack",
  "cracked",
  "hack",
  "hacked",
  "cheat",
  "cheats",
  "nulled",
]);
const LURE_WORDS = new Set(["self", "user", "free", "official", "unlocked", "bypass", "premium"]);

// ---------------------------------------------------------------------------------------------------------------

interface Target {
  entry: PopularEntry;
  key: string;
  /** npm scope without `@`; undefined for unscoped names and PyPI. */
  scope?: string;
  /** The name without its scope. */
  bare: string;
  /** Which characters the name uses (see letterMask). */
  mask: number;
}

interface Candidate {
  technique: TyposquatTechnique;
  target: Target;
  severity: Severity;
  detail: string;
}

const SEPARATORS = /[-_.]+/g;

function separatorSkeleton(s: string): string {
  return s.replace(SEPARATORS, "");
}

/**
 * Look-alike characters folded to one form: applied to the raw name (an upper-case `I` looks like `l`, which is
 * lost once the name is lower-cased), then lower-cased, separators removed.
 */
function glyphSkeleton(raw: string): string {
  return separatorSkeleton(raw.replace(/I/g, "l").toLowerCase())
    .replace(/rn/g, "m")
    .replace(/vv/g, "w")
    .replace(/cl/g, "d")
    .replace(/[1|]/g, "l")
    .replace(/0/g, "o");
}

function sortedTokens(key: string): string | undefined {
  const tokens = key.split(SEPARATORS).filter((t) => t !== "");
  if (tokens.length < 2) return undefined;
  return tokens.sort().join(" ");
}

let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (an adjacent transposition counts 1), or `max + 1` when above `max`. Only a
 * band of width 2 * max + 1 around the diagonal is computed, in reused buffers.
 */
export function editDistance(a: string, b: string, max = 2): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  // A common prefix and suffix change nothing (names of one family share long ones: `mypy-boto3-`).
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)
  ) {
    end++;
  }
  if (start > 0 || end > 0) {
    a = a.slice(start, a.length - end);
    b = b.slice(start, b.length - end);
  }
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Math.min(n + m, over);
  if (rows[0]!.length < m + 2) rows = rows.map(() => new Int32Array(2 * (m + 2)));
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= m + 1; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    cur[lo - 1] = lo === 1 ? i : over;
    let rowMin = cur[lo - 1]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ca === cb ? 0 : 1);
      const up = prev[j]! + 1;
      if (up < v) v = up;
      const left = cur[j - 1]! + 1;
      if (left < v) v = left;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const swap = prev2[j - 2]! + 1;
        if (swap < v) v = swap;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) cur[hi + 1] = over;
    if (rowMin > max) return over;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m]!, over);
}

/** The set of characters of `s`, folded into 32 bits (a superset test: equal sets may still differ). */
function letterMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << (s.charCodeAt(i) & 31);
  return mask;
}

function bitCount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** `c` and `t` differ by one swap of adjacent characters. */
function isTransposition(c: string, t: string): boolean {
  if (c.length !== t.length) return false;
  let i = 0;
  while (i < c.length && c[i] === t[i]) i++;
  return i + 1 < c.length && c[i] === t[i + 1] && c[i + 1] === t[i] && c.slice(i + 2) === t.slice(i + 2);
}

/** The differing middle of two strings, once their common prefix and suffix are removed. */
function diff(c: string, t: string): { added: string; removed: string } {
  let p = 0;
  while (p < c.length && p < t.length && c[p] === t[p]) p++;
  let s = 0;
  while (s < c.length - p && s < t.length - p && c[c.length - 1 - s] === t[t.length - 1 - s]) s++;
  return { added: c.slice(p, c.length - s), removed: t.slice(p, t.length - s) };
}

function describeDiff(c: string, t: string): string {
  const { added, removed } = diff(c, t);
  if (!removed) return `"${added}" added`;
  if (!added) return `"${removed}" left out`;
  return `"${added}" in place of "${removed}"`;
}

const DIGITS = /^\d+$/;

function push<K>(map: Map<K, Target[]>, key: K, target: Target): void {
  const list = map.get(key);
  if (!list) map.set(key, [target]);
  else if (list[list.length - 1] !== target) list.push(target);
}

interface Affixed {
  core: string;
  /** The affixes removed, as written: `python3-`, `py`, `3`. */
  affix: string;
  /** A prefix or suffix without a separator (`pyarrow`). */
  glued: boolean;
  /** Only trailing digits removed (`urllib3`). */
  digits: boolean;
}

/** The ways a name splits into a known prefix and/or suffix (or trailing digits) and a core. */
function affixSplits(ecosystem: Ecosystem, key: string): Affixed[] {
  const { prefixes, suffixes } = AFFIXES[ecosystem];
  const heads: Affixed[] = [{ core: key, affix: "", glued: false, digits: false }];
  for (const p of prefixes) {
    if (key.startsWith(p))
      heads.push({ core: key.slice(p.length), affix: p, glued: !isSeparator(p.at(-1)), digits: false });
  }
  const out: Affixed[] = [];
  const join = (a: string, b: string) => (a ? `${a}…${b}` : b);
  for (const h of heads) {
    if (h.affix) out.push(h);
    for (const s of suffixes) {
      if (h.core.endsWith(s)) {
        out.push({
          core: h.core.slice(0, -s.length),
          affix: join(h.affix, s),
          glued: h.glued || !isSeparator(s[0]),
          digits: false,
        });
      }
    }
    const digits = /[-_.]?\d+$/.exec(h.core);
    if (digits && digits.index > 0) {
      out.push({
        core: h.core.slice(0, digits.index),
        affix: join(h.affix, digits[0]),
        glued: h.glued,
        digits: !h.affix,
      });
    }
  }
  return out.filter(
    (a) => a.core.length >= MIN_LENGTH_CORE && !isSeparator(a.core[0]) && !isSeparator(a.core.at(-1)),
  );
}

class ListIndex {
  readonly ecosystem: Ecosystem;
  readonly size: number;
  readonly byKey = new Map<string, Target>();
  /**
   * Names by first letter and length. A typo never changes the first letter (see checkEdits), so the names within
   * edit distance of a candidate are in the buckets of its first letter and a length within the distance.
   */
  readonly byFirstAndLength = new Map<string, Target[]>();
  readonly bySeparators = new Map<string, Target[]>();
  readonly byGlyphs = new Map<string, Target[]>();
  readonly byTokens = new Map<string, Target[]>();
  readonly byCore = new Map<string, Target[]>();
  /** How many names of the list use each word (token between separators): the list's vocabulary. */
  readonly vocabulary = new Map<string, number>();
  /** npm: scope -> its popular packages, most popular first. */
  readonly scopes = new Map<string, Target[]>();
  /** npm: scopes by deletion neighbourhood and skeletons, to find look-alike scopes. */
  readonly scopeNeighbours = new Map<string, string[]>();

  constructor(list: PopularList) {
    this.ecosystem = list.ecosystem;
    this.size = list.entries.length;
    const scratch = new Set<string>();
    for (const entry of list.entries) {
      const key = nameKey(list.ecosystem, entry.name);
      if (this.byKey.has(key)) continue;
      const slash = key.startsWith("@") ? key.indexOf("/") : -1;
      const target: Target =
        slash > 0
          ? { entry, key, scope: key.slice(1, slash), bare: key.slice(slash + 1), mask: 0 }
          : { entry, key, bare: key, mask: letterMask(key) };
      this.byKey.set(key, target);
      for (const word of new Set(words(target.bare)))
        this.vocabulary.set(word, (this.vocabulary.get(word) ?? 0) + 1);
      if (target.scope !== undefined) {
        if (!this.scopes.has(target.scope)) {
          scratch.clear();
          for (const n of scopeKeys(target.scope, scratch)) {
            const l = this.scopeNeighbours.get(n);
            if (l) l.push(target.scope);
            else this.scopeNeighbours.set(n, [target.scope]);
          }
        }
        push(this.scopes, target.scope, target);
        continue;
      }
      const skeleton = separatorSkeleton(key);
      if (skeleton.length >= MIN_LENGTH_SKELETON) {
        push(this.bySeparators, skeleton, target);
        push(this.byGlyphs, glyphSkeleton(entry.name), target);
      }
      const tokens = sortedTokens(key);
      if (tokens) push(this.byTokens, tokens, target);
      if (key.length >= MIN_LENGTH_TRANSPOSITION)
        push(this.byFirstAndLength, `${key[0]}:${key.length}`, target);
      for (const split of affixSplits(list.ecosystem, key)) push(this.byCore, split.core, target);
    }
  }

  check(name: string, options: TyposquatOptions): Candidate | undefined {
    const key = nameKey(this.ecosystem, name.trim());
    const self = options.assumeUnpopular ? this.byKey.get(key) : undefined;
    if (!options.assumeUnpopular && this.byKey.has(key)) return undefined;
    let best: Candidate | undefined;
    const consider: Consider = (technique, target, detail, strong, maxRank) => {
      if (target === self || target.entry.rank > maxRank) return;
      // Look-alike characters are never an accident: high whatever the imitated name's rank.
      const severity: Severity =
        technique === "homoglyph" || (strong && target.entry.rank <= HIGH_SEVERITY_MAX_RANK)
          ? "high"
          : "medium";
      const c: Candidate = { technique, target, severity, detail };
      if (!best || better(c, best)) best = c;
    };
    if (this.ecosystem === "npm" && key.startsWith("@")) {
      this.checkScoped(key, consider);
      return best;
    }
    // A word other popular names use is a word, not a typo (`http`/`https`, `get-value`/`set-value`).
    // When a popular name is checked as if unlisted, its own words do not count.
    const own = new Set(self ? words(self.bare) : []);
    const known = (word: string) => (this.vocabulary.get(word) ?? 0) - (own.has(word) ? 1 : 0) > 0;
    this.checkSkeletons(name, key, consider);
    this.checkEdits(key, consider, known);
    this.checkAffixes(key, consider);
    this.checkTokens(key, consider);
    this.checkCombo(key, consider);
    return best;
  }

  private checkSkeletons(name: string, key: string, consider: Consider): void {
    const skeleton = separatorSkeleton(key);
    const separators = key.length - skeleton.length;
    for (const t of this.bySeparators.get(skeleton) ?? []) {
      // npm: only separators removed (`crossenv`), the way squatters go; twins the other way round are old
      // names of their own (`camel-case` for `camelcase`, `is-object` for `isobject`).
      if (
        this.ecosystem === "npm" &&
        ((separators >= t.key.length - skeleton.length && !(key.includes("_") && !t.key.includes("_"))) ||
          t.entry.rank > MAX_RANK_SEPARATOR_NPM ||
          words(t.key).some((w) => w.length < 3))
      ) {
        continue;
      }
      // npm refuses new names that differ from an existing one only in punctuation (since 2017): a separator
      // twin there is an old package, and many old twins are legitimate (`camelcase`/`camel-case`).
      consider(
        "separator",
        t,
        `separators changed (${describeDiff(key, t.key)})`,
        this.ecosystem === "PyPI",
        Infinity,
      );
    }
    const raw = this.ecosystem === "PyPI" ? name.trim().replace(SEPARATORS, "-") : name.trim();
    for (const t of this.byGlyphs.get(glyphSkeleton(raw)) ?? []) {
      if (separatorSkeleton(t.key) === skeleton || t.key.length < MIN_LENGTH_HOMOGLYPH) continue;
      consider("homoglyph", t, `look-alike characters (${describeDiff(raw, t.entry.name)})`, true, Infinity);
    }
  }

  private checkEdits(key: string, consider: Consider, known: (word: string) => boolean): void {
    if (key.length < MIN_LENGTH_TRANSPOSITION - 1) return;
    const skeleton = separatorSkeleton(key);
    const reach = key.length >= MIN_LENGTH_EDIT2 ? 2 : 1;
    const near: Target[] = [];
    for (let length = key.length - reach; length <= key.length + reach; length++) {
      const bucket = this.byFirstAndLength.get(`${key[0]}:${length}`);
      if (bucket) near.push(...bucket);
    }
    const mask = letterMask(key);
    for (const t of near) {
      const long = key.length >= MIN_LENGTH_EDIT2 && t.key.length >= MIN_LENGTH_EDIT2;
      // Each edit adds or removes at most two characters from the set a name uses: a cheap first filter.
      if (bitCount(mask ^ t.mask) > (long ? 4 : 2)) continue;
      const distance = editDistance(key, t.key, long ? 2 : 1);
      if (distance > (long ? 2 : 1) || distance === 0) continue;
      if (skeleton === separatorSkeleton(t.key)) continue; // a separator game, found above
      const { added, removed } = diff(key, t.key);
      // pyqt5 / pyqt6, vue2 / vue3: versions of one family, not imitations.
      if (/\d/.test(added) && /\d/.test(removed)) continue;
      // urllib / urllib3: digits added or dropped are an affix.
      if ((added === "" && DIGITS.test(removed)) || (removed === "" && DIGITS.test(added))) continue;
      // Typos keep a word's first letter and hit long words: `react-vis`/`react-is`, `graphql-sse`/`graphql-ws`
      // and `preact`/`react` are names of their own.
      const edit = editedWords(key, t.key, this.ecosystem === "PyPI" ? "py" : undefined);
      if (!edit || edit.firstLetter) continue;
      const transposed = distance === 1 && isTransposition(key, t.key);
      const minWord = transposed
        ? MIN_LENGTH_TRANSPOSITION
        : distance === 2
          ? MIN_WORD_EDIT2
          : MIN_WORD_EDIT1;
      if (edit.targetWord.length < minWord) continue;
      // The changed word is made of words other popular names use (`jsonpatch`, `frozendict`): a name of its
      // own, not a typo.
      if (edit.candidateWords.every((w) => compound(w, known))) continue;
      const how = describeDiff(key, t.key);
      if (transposed) {
        consider("transposition", t, `two adjacent characters swapped (${how})`, true, Infinity);
      } else if (edit.wordEnd && !(distance === 1 && doubledLast(edit.candidateWords, edit.targetWord))) {
        // A word's last letter added, dropped or changed (`aiofile`/`aiofiles`, `optimism`/`optimist`) is as
        // often a sibling name as a typo: only near the most popular names. A doubled last letter (`webpackk`)
        // is a typo.
        consider("edit-distance", t, `the end of a word changed (${how})`, false, MAX_RANK_WORD_END);
      } else if (distance === 1) {
        consider("edit-distance", t, `a one-character typo (${how})`, true, Infinity);
      } else if (distance === 2) {
        // Two typos at once are weaker evidence: only near the top names.
        consider("edit-distance", t, `a two-character typo (${how})`, false, HIGH_SEVERITY_MAX_RANK);
      }
    }
  }

  private checkAffixes(key: string, consider: Consider): void {
    const max = MAX_RANK_AFFIX;
    for (const mine of affixSplits(this.ecosystem, key)) {
      // Digits added are how a package's successor is named (`through2`, `markdown2`): not an affix game.
      if (mine.digits) continue;
      // An affix added to a popular name: `python3-requests`, `noderequest`.
      const t = this.byKey.get(mine.core);
      // npm's glued `node` (`noderequest`) is never a name's own style, so it counts for every popular name.
      if (t && t.scope === undefined) {
        consider("affix", t, `"${mine.affix}" added`, false, this.ecosystem === "npm" ? Infinity : max);
      }
      // Affixes swapped: `python3-dateutil` for `python-dateutil`.
      for (const t of this.byCore.get(mine.core) ?? []) {
        if (t.key === mine.core) continue;
        const theirs = affixSplits(this.ecosystem, t.key).find((s) => s.core === mine.core);
        // pyqt5 / pyqt6, cli-table / cli-table3: a family's versions.
        if (!theirs || /\d$/.test(mine.affix) || /\d$/.test(theirs.affix)) continue;
        consider("affix", t, `"${mine.affix}" in place of "${theirs.affix}"`, false, max);
      }
    }
    // An affix dropped: `urllib` for `urllib3`, `dateutil` for `python-dateutil`. Not a glued one: what is left of
    // `pyarrow` or `nodemailer` is a name of its own.
    for (const t of this.byCore.get(key) ?? []) {
      const theirs = affixSplits(this.ecosystem, t.key).find((s) => s.core === key);
      if (theirs && !theirs.glued && (this.ecosystem === "PyPI" || theirs.digits)) {
        consider("affix", t, `"${theirs.affix}" left out`, false, max);
      }
    }
  }

  private checkTokens(key: string, consider: Consider): void {
    const tokens = sortedTokens(key);
    if (!tokens) return;
    for (const t of this.byTokens.get(tokens) ?? []) {
      if (separatorSkeleton(t.key) === separatorSkeleton(key)) continue;
      // Only an ecosystem word moved (`nmap-python` for `python-nmap`): `parse-path`/`path-parse` and
      // `is-path-inside`/`path-is-inside` show that other reorderings are names of their own.
      const mine = words(key);
      const theirs = words(t.key);
      if (!mine.some((w, i) => AFFIX_WORDS.has(w) && theirs[i] !== w)) continue;
      consider("token-order", t, "the same words in another order", false, MAX_RANK_TOKENS);
    }
  }

  private checkCombo(key: string, consider: Consider): void {
    for (let i = 1; i < key.length - 1; i++) {
      if (!isSeparator(key[i])) continue;
      const left = key.slice(0, i);
      const right = key.slice(i + 1);
      this.combo(key, this.byKey.get(left), right, consider);
      this.combo(key, this.byKey.get(right), left, consider);
    }
  }

  private combo(key: string, t: Target | undefined, addition: string, consider: Consider): void {
    if (!t || t.scope !== undefined || t.key.length < MIN_LENGTH_COMBO) return;
    const added = words(addition);
    if (added.length === 0) return;
    const detail = `"${addition}" added to the name`;
    if (
      added.some((w) => MALWARE_WORDS.has(w)) &&
      added.every((w) => MALWARE_WORDS.has(w) || LURE_WORDS.has(w))
    ) {
      consider("combosquat", t, detail, false, Infinity);
    } else if (added.every((w) => LURE_WORDS.has(w)) && !this.isFamily(t, key)) {
      consider("combosquat", t, detail, false, MAX_RANK_COMBO);
    }
  }

  /** Whether other popular names extend `t` (`flask-login`, `flask-cors`): then `t-<word>` is its family's style. */
  private isFamily(t: Target, except: string): boolean {
    let n = 0;
    for (const k of this.byKey.keys()) {
      if (
        k !== except &&
        k.length > t.key.length &&
        k.startsWith(t.key) &&
        isSeparator(k[t.key.length]) &&
        ++n >= 2
      ) {
        return true;
      }
    }
    return false;
  }

  private checkScoped(key: string, consider: Consider): void {
    const slash = key.indexOf("/");
    if (slash < 0) return;
    const scope = key.slice(1, slash);
    const bare = key.slice(slash + 1);
    // A scope belongs to one account: packages in a popular scope were published by its owner.
    if (this.scopes.has(scope)) return;
    const near = new Set<string>();
    for (const k of scopeKeys(scope, new Set()))
      for (const s of this.scopeNeighbours.get(k) ?? []) near.add(s);
    for (const popularScope of near) {
      const technique = scopeLookAlike(scope, popularScope);
      const targets = this.scopes.get(popularScope);
      if (!technique || !targets) continue;
      // Only with the same package name: other names in a look-alike scope are another organisation's
      // (`@remotion/*` is not `@emotion/*`).
      const target = targets.find((t) => separatorSkeleton(t.bare) === separatorSkeleton(bare));
      if (!target) continue;
      consider(
        "scope-confusion",
        target,
        `the scope "@${scope}" imitates "@${popularScope}" (${technique})`,
        true,
        Infinity,
      );
    }
  }
}

/** Keys under which a scope is indexed to find look-alikes: its deletion neighbourhood and skeletons. */
function scopeKeys(scope: string, out: Set<string>): Set<string> {
  out.add(`s:${separatorSkeleton(scope)}`);
  out.add(`g:${glyphSkeleton(scope)}`);
  for (const i of [scope, ...Array.from(scope, (_, k) => scope.slice(0, k) + scope.slice(k + 1))])
    out.add(`d:${i}`);
  return out;
}

/** The words of a name: its parts between separators. */
function words(name: string): string[] {
  return name.split(SEPARATORS).filter((w) => w !== "");
}

/**
 * Where an edit turning `t` into `c` falls: the words of `c` it touches, the word of `t` it touches, whether it
 * touches a word's first letter, and whether it only adds or removes letters at a word's end. Undefined when it
 * spans words (a separator changed).
 */
function editedWords(
  c: string,
  t: string,
  gluedPrefix?: string,
): { candidateWords: string[]; targetWord: string; firstLetter: boolean; wordEnd: boolean } | undefined {
  let p = 0;
  while (p < c.length && p < t.length && c[p] === t[p]) p++;
  let s = 0;
  while (s < c.length - p && s < t.length - p && c[c.length - 1 - s] === t[t.length - 1 - s]) s++;
  // The edit is c[p, c.length - s) in place of t[p, t.length - s); widen both to whole words.
  let a = p;
  while (a > 0 && !isSeparator(c[a - 1])) a--;
  let bc = Math.max(c.length - s, p);
  while (bc < c.length && !isSeparator(c[bc])) bc++;
  let bt = Math.max(t.length - s, p);
  while (bt < t.length && !isSeparator(t[bt])) bt++;
  const targetWords = words(t.slice(a, bt));
  if (targetWords.length !== 1) return undefined;
  // `pyspark`: the word is `spark`, `py` a prefix by convention (but `python` is a word).
  if (
    gluedPrefix &&
    t.startsWith(gluedPrefix, a) &&
    c.startsWith(gluedPrefix, a) &&
    !t.startsWith("python", a) &&
    p - a >= gluedPrefix.length &&
    bt - a - gluedPrefix.length >= 3
  ) {
    a += gluedPrefix.length;
  }
  // An insertion or deletion may slide: `cchardet`/`chardet` is an edit at either of the first two letters.
  const slid = (x: string, y: string) => x.length === y.length + 1 && x.slice(1) === y;
  const cw = c.slice(a, bc);
  const tw = t.slice(a, bt);
  const firstLetter = p === a || cw[0] !== tw[0] || slid(cw, tw) || slid(tw, cw);
  const wordEnd = c.length - s === bc && t.length - s === bt;
  return { candidateWords: words(cw), targetWord: tw, firstLetter, wordEnd };
}

/** The candidate's word is the target's with its last letter typed twice (`webpackk`, `requestss`). */
function doubledLast(candidateWords: string[], targetWord: string): boolean {
  const [w] = candidateWords;
  return candidateWords.length === 1 && w !== undefined && w === targetWord + targetWord.at(-1);
}

/** Whether `word` is a known word or a run of known words of 3 letters or more (`frozen`+`dict`). */
function compound(word: string, known: (w: string) => boolean): boolean {
  if (known(word)) return true;
  const n = word.length;
  if (n < 6) return false;
  const reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (let i = 0; i + 3 <= n; i++) {
    if (!reach[i]) continue;
    for (let j = i + 3; j <= n; j++) if (!reach[j] && known(word.slice(i, j))) reach[j] = 1;
  }
  return reach[n] === 1;
}

function isSeparator(ch: string | undefined): boolean {
  return ch === "-" || ch === "_" || ch === ".";
}

type Consider = (
  technique: TyposquatTechnique,
  target: Target,
  detail: string,
  strong: boolean,
  maxRank: number,
) => void;

function scopeLookAlike(scope: string, popular: string): string | undefined {
  if (scope === popular) return undefined;
  if (separatorSkeleton(scope) === separatorSkeleton(popular)) return "separators changed";
  if (glyphSkeleton(scope) === glyphSkeleton(popular)) return "look-alike characters";
  if (popular.length < MIN_LENGTH_TRANSPOSITION || editDistance(scope, popular, 1) !== 1) return undefined;
  if (isTransposition(scope, popular)) return "two adjacent characters swapped";
  // As for names: a typo keeps the first letter (`@rslint` is not `@eslint`, `@npm` not `@pnpm`).
  const edit = editedWords(scope, popular);
  if (!edit || edit.firstLetter || popular.length < MIN_LENGTH_SCOPE_EDIT) return undefined;
  return "a one-character typo";
}

/** Higher severity first; then the more popular imitated name; then the more telling technique. */
function better(a: Candidate, b: Candidate): boolean {
  const s = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (s !== 0) return s < 0;
  if (a.target.entry.rank !== b.target.entry.rank) return a.target.entry.rank < b.target.entry.rank;
  return TECHNIQUE_ORDER.indexOf(a.technique) < TECHNIQUE_ORDER.indexOf(b.technique);
}

// ---------------------------------------------------------------------------------------------------------------

const indexes = new WeakMap<PopularList, ListIndex>();

function indexOf(list: PopularList): ListIndex {
  let index = indexes.get(list);
  if (!index) {
    index = new ListIndex(list);
    indexes.set(list, index);
  }
  return index;
}

/** Formats a monthly download count: 1.1e9 -> "1.1 billion". */
function formatDownloads(n: number): string {
  const units: [number, string][] = [
    [1e9, "billion"],
    [1e6, "million"],
    [1e3, "thousand"],
  ];
  for (const [size, word] of units) {
    if (n >= size) return `${(n / size).toFixed(n >= 10 * size ? 0 : 1).replace(/\.0$/, "")} ${word}`;
  }
  return String(n);
}

function toMatch(ecosystem: Ecosystem, name: string, c: Candidate, size: number): TyposquatMatch {
  const entry = c.target.entry;
  const popularity =
    entry.downloads !== undefined
      ? `#${entry.rank} on ${ecosystem}, ${formatDownloads(entry.downloads)} downloads a month`
      : `#${entry.rank} on ${ecosystem}`;
  const why = `${name} looks like ${entry.name} (${popularity}): ${c.detail}; ${name} is not among the ${size.toLocaleString("en")} most popular`;
  return {
    ecosystem,
    name,
    imitates: entry.name,
    technique: c.technique,
    severity: c.severity,
    imitatedRank: entry.rank,
    ...(entry.downloads !== undefined ? { imitatedDownloads: entry.downloads } : {}),
    why,
  };
}

/** Whether `name` imitates a popular name of `list`; undefined when it does not, or is popular itself. */
export function findTyposquat(
  ecosystem: Ecosystem,
  name: string,
  list: PopularList,
  options: TyposquatOptions = {},
): TyposquatMatch | undefined {
  if (list.ecosystem !== ecosystem) return undefined;
  const index = indexOf(list);
  const c = index.check(name, options);
  return c ? toMatch(ecosystem, name.trim(), c, index.size) : undefined;
}

/** Checks many names against one list per ecosystem, each indexed once. */
export class TyposquatDetector {
  private readonly lists = new Map<Ecosystem, PopularList>();

  constructor(lists: PopularList[]) {
    for (const list of lists) {
      if (this.lists.has(list.ecosystem)) throw new Error(`two popularity lists for ${list.ecosystem}`);
      this.lists.set(list.ecosystem, list);
      indexOf(list);
    }
  }

  check(ecosystem: Ecosystem, name: string, options: TyposquatOptions = {}): TyposquatMatch | undefined {
    const list = this.lists.get(ecosystem);
    return list ? findTyposquat(ecosystem, name, list, options) : undefined;
  }
}
