"""Everything that writes: each state change is a ``<entity>_<action>`` function."""
