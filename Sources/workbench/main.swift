import WorkbenchCLI

Workbench.main()
