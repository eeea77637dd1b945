"""Alerts: a watched value of a catalogue question, evaluated after each publish; fires once, resolves once."""
