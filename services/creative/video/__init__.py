"""Video style transfer: PyAV decoding and H.264 encoding, per-frame transfer kept steady over time
(smoothed colour statistics, blending along optical flow), and the job records behind ``/style_video``.

Model code only (no HTTP); the service and its middleware live in ``services/creative/service.py``
and ``http.py``.
"""
