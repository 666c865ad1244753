-- must exit 2 naming file:line
mm.boot{workload="probe", colour="blue"}
