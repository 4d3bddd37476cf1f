/** A worker thread of the package-contents analysis: receives file jobs, answers with their findings. */
import { parentPort } from "node:worker_threads";
import { analyseFileJob, type FileJob, prepareAnalysers } from "./analyse-file.js";

const port = parentPort;
if (port) {
  const ready = prepareAnalysers();
  port.on("message", async (msg: { id: number; jobs: FileJob[] }) => {
    try {
      await ready;
      port.postMessage({ id: msg.id, results: msg.jobs.map(analyseFileJob) });
    } catch (e) {
      port.postMessage({ id: msg.id, error: String((e as Error)?.message ?? e) });
    }
  });
}
