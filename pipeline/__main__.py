from citynews.ops.cli import main

main()
