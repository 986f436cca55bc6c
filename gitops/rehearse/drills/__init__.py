"""The drills a rehearsal runs once the commit is delivered, one module each."""
