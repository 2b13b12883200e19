"""Example apps for corsguard (run from the repository root, e.g. ``examples.profiles_app:app``)."""
