/**
 * COCO datasets and results (streamed with Jackson), run-length-encoded masks and polygon
 * rasterisation, and {@link dev.cvkit.coco.CocoEval}: the evaluation with pycocotools' phases
 * (evaluate, accumulate, summarize), array shapes and numbers, so results can be diffed against it.
 */
package dev.cvkit.coco;
