"""Static data files shipped with localzulip."""
