"""What the channel and the history commands show: reports, digests, stats, exports."""
