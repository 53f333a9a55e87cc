"""Synthetic demonstration data for a fictional county (or a fictional England) in real published layouts."""

from jsna.demo.generator import generate

__all__ = ["generate"]
