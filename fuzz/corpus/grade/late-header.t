continue
# budget: 5
