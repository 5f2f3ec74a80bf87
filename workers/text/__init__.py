"""Text side of the pipeline: extraction, normalization and segmentation."""
