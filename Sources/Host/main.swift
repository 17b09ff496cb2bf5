import Engine
print("showrunner \(Showrunner.version)")
