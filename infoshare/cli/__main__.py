from infoshare.cli import main

main()
