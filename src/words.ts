/** Words for messages, shared by the analysis and the reports. */

/** `1 change`, `3 changes`; `many` for irregular plurals (`vulnerabilities`). */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
