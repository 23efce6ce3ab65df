/** Worker thread entry: analyses a corpus's passages for the index (see `analyzeInWorker`). */
import { parentPort, workerData } from "node:worker_threads";
import { analyzePassages, type AnalysisJob, type AnalysisMessage } from "./indexing.js";

const port = parentPort!;
const { passages, directions } = workerData as AnalysisJob;
const send = (message: AnalysisMessage) => port.postMessage(message);
analyzePassages(passages, directions, (batch) => send({ batch }));
send({ done: true });
