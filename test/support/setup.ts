// vitest's setupFiles: runs before each test file, also when a worker runs several files in one module cache
// (vitest.config.ts `isolate: false`), so what temp.ts keeps for one file is set up and removed per file.
import { afterAll } from 'vitest';
import { cleanUpTestFile, prepareTestFile } from './temp.js';

prepareTestFile();
afterAll(cleanUpTestFile);
