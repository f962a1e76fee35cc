source x
