"""The tree of units (đơn vị): province, departments, communes, and legacy districts."""
