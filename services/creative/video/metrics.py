"""Flicker: how much consecutive output frames differ once motion is taken out.

``flicker(outputs, inputs)`` is the mean absolute difference (8-bit levels, RGB) between each output
frame and the previous output frame warped onto it by the optical flow of the *input* frames,
counted only where that flow is trustworthy (the warped previous input matches the current input
to within ``threshold`` levels). The flow here is OpenCV's DIS flow at full size, a different
estimator from the Farnebäck flow the method blends along, so the metric does not grade the
method with its own flow. ``flicker(inputs, inputs)`` is the floor: what is left of the input's
own frame-to-frame change after warping (noise, lighting, flow errors).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .flow import grey, warp

TRUSTED_DIFF = 12.0


def dis_flow(prev_grey: np.ndarray, cur_grey: np.ndarray) -> np.ndarray:
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    return dis.calc(cur_grey, prev_grey, None)


def flicker(outputs: Sequence[np.ndarray], inputs: Sequence[np.ndarray], threshold: float = TRUSTED_DIFF) -> float:
    """Mean warped frame-to-frame difference of ``outputs`` (RGB uint8), motion from ``inputs``."""
    if len(outputs) != len(inputs) or len(outputs) < 2:
        raise ValueError("flicker needs at least two output frames, one per input frame")
    diffs = []
    for t in range(1, len(outputs)):
        flow = dis_flow(grey(inputs[t - 1]), grey(inputs[t]))
        in_err = np.abs(warp(inputs[t - 1], flow).astype(np.float32) - inputs[t].astype(np.float32)).mean(axis=2)
        trusted = in_err < threshold
        if not trusted.any():
            continue
        out_err = np.abs(warp(outputs[t - 1], flow).astype(np.float32) - outputs[t].astype(np.float32)).mean(axis=2)
        diffs.append(float(out_err[trusted].mean()))
    return float(np.mean(diffs)) if diffs else 0.0


def mean_abs_diff(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    """Mean absolute difference between two frame sequences (8-bit levels)."""
    return float(
        np.mean([np.abs(x.astype(np.float32) - y.astype(np.float32)).mean() for x, y in zip(a, b, strict=True)])
    )
