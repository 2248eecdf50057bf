"""The engine: the timeline (due events, applied in time order), transition policies, and the ordered index
that makes paging cost independent of how many resources there are."""
