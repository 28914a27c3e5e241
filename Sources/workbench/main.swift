import Components
import WorkbenchCLI

Allocator.keepFreedMemory()
Workbench.main()
