# points: 2
continue
+1 contineu
