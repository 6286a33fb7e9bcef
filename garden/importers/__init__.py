"""Importers: notes from other tools written as garden notes (`garden import SOURCE ...`)."""
