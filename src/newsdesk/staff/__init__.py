"""The staff's way in: the admin site with a login throttle and an optional second factor."""
