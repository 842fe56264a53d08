"""Optical flow between frames (OpenCV) and warping along it.

``backward_flow(prev, cur)`` gives, for every pixel of ``cur``, the offset to where it was in
``prev`` (Farnebäck's dense flow, computed on grey levels at a reduced size and scaled back up), so
``warp(prev_image, flow)`` lines the previous frame up with the current one. ``agreement`` is a soft
mask of where that works: 1 where the warped previous input matches the current input, falling to
0 where they differ (occlusions, new content, flow errors).
"""

from __future__ import annotations

import cv2
import numpy as np


def grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def backward_flow(prev_grey: np.ndarray, cur_grey: np.ndarray, side: int = 320) -> np.ndarray:
    """(H, W, 2) float32 offsets from ``cur`` to ``prev`` at full size (Farnebäck at ``side``)."""
    height, width = cur_grey.shape
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        size = (max(8, round(width * scale)), max(8, round(height * scale)))
        small_prev = cv2.resize(prev_grey, size, interpolation=cv2.INTER_AREA)
        small_cur = cv2.resize(cur_grey, size, interpolation=cv2.INTER_AREA)
    else:
        small_prev, small_cur = prev_grey, cur_grey
    flow = cv2.calcOpticalFlowFarneback(
        small_cur,
        small_prev,
        None,
        pyr_scale=0.5,
        levels=3,
        winsize=15,
        iterations=3,
        poly_n=5,
        poly_sigma=1.2,
        flags=0,
    )
    if scale < 1.0:
        flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
        flow[..., 0] *= width / small_cur.shape[1]
        flow[..., 1] *= height / small_cur.shape[0]
    return flow.astype(np.float32)


def warp(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """``image`` (the previous frame) resampled at ``pixel + flow`` for every current pixel."""
    height, width = flow.shape[:2]
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(image, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def agreement(prev_rgb: np.ndarray, cur_rgb: np.ndarray, flow: np.ndarray, threshold: float) -> np.ndarray:
    """(H, W, 1) in [0, 1]: 1 where the warped previous input matches the current one (8-bit units).

    The per-pixel difference is blurred a little so that single noisy pixels neither open nor close
    the mask, and it falls linearly from 1 at no difference to 0 at ``threshold``.
    """
    warped = warp(prev_rgb, flow).astype(np.float32)
    diff = np.abs(warped - cur_rgb.astype(np.float32)).mean(axis=2)
    diff = cv2.GaussianBlur(diff, (5, 5), 0)
    return np.clip(1.0 - diff / threshold, 0.0, 1.0)[..., None]
