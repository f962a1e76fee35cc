continue
  assert r1 ==
