// Puts background blur's files where the app serves them, on our own origin: the segmentation
// worker (bundled from lib/media/blur/blur-worker.ts) and the model and wasm that
// @mediapipe/selfie_segmentation ships. Run before `next build` and `next dev`; the output folder
// is generated, not committed.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'public', 'blur');
const mediapipe = dirname(
  createRequire(import.meta.url).resolve('@mediapipe/selfie_segmentation/package.json'),
);

// The solution picks the SIMD build when the browser has wasm SIMD, the plain one otherwise.
const SOLUTION_FILES = [
  'selfie_segmentation.js',
  'selfie_segmentation.binarypb',
  'selfie_segmentation_landscape.tflite',
  'selfie_segmentation.tflite',
  'selfie_segmentation_solution_simd_wasm_bin.js',
  'selfie_segmentation_solution_simd_wasm_bin.wasm',
  'selfie_segmentation_solution_simd_wasm_bin.data',
  'selfie_segmentation_solution_wasm_bin.js',
  'selfie_segmentation_solution_wasm_bin.wasm',
];

rmSync(output, { recursive: true, force: true });
mkdirSync(output, { recursive: true });
for (const file of SOLUTION_FILES) copyFileSync(join(mediapipe, file), join(output, file));
await build({
  entryPoints: [join(root, 'lib', 'media', 'blur', 'blur-worker.ts')],
  outfile: join(output, 'worker.js'),
  bundle: true,
  // A classic worker: the solution loads its wasm glue with importScripts.
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
