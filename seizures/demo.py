def seizures_demo(demo):
    pass
