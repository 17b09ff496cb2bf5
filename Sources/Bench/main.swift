import Engine
print("bench")
