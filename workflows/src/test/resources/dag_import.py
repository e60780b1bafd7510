"""Imports a generated recsv DAG under the module layout of one Airflow line, without Airflow installed.

Airflow cannot be installed on the machine that builds recsv (no Python package index), so this puts stand-ins
for the names the DAG imports into sys.modules, laid out as Airflow 2.10, 3.0 or 3.1 lays them out (the bash
operator's and sensor's modules, Dataset or Asset, deadline alerts or none), runs the DAG file, and prints what
it gave Airflow: which import branch each name came from, the DAG's deadline, the publishing task's SLA and
outlets, the sensor's inlets. Then it calls the deadline callback, if any, as Airflow's triggerer would.

usage: python3 dag_import.py DAG_FILE 2.10|3.0|3.1
prints lines "key<TAB>value".
"""
import asyncio
import sys
import types


def module(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    sys.modules[name] = mod
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, mod)
    return mod


class Operator:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        CREATED[kwargs["task_id"]] = self

    def __rshift__(self, other):
        return other


class Dag:
    def __init__(self, **kwargs):
        CREATED["dag"] = self
        self.kwargs = kwargs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def named(kind):
    class Named:
        def __init__(self, *args, **kwargs):
            self.kind, self.args, self.kwargs = kind, args, kwargs
    return Named


CREATED = {}
MAILS = []


def main():
    path, line = sys.argv[1], sys.argv[2]
    major = line.split(".")[0]
    for name in ["airflow", "airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
                 "airflow.providers.apache.spark.operators", "airflow.utils"]:
        module(name)
    sys.modules["airflow"].__version__ = line + ".0"
    sys.modules["airflow"].DAG = Dag
    module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=Operator)
    module("airflow.utils.email", send_email=lambda to, subject, body: MAILS.append((to, subject, body)))
    if major == "2":
        module("airflow.operators")
        module("airflow.operators.bash", BashOperator=Operator)
        module("airflow.sensors")
        module("airflow.sensors.bash", BashSensor=Operator)
        module("airflow.datasets", Dataset=named("Dataset"))
    else:
        for name in ["airflow.providers.standard", "airflow.providers.standard.operators",
                     "airflow.providers.standard.sensors"]:
            module(name)
        module("airflow.providers.standard.operators.bash", BashOperator=Operator)
        module("airflow.providers.standard.sensors.bash", BashSensor=Operator)
        module("airflow.sdk", Asset=named("Asset"))
        if line != "3.0":
            module("airflow.sdk.definitions")
            module("airflow.sdk.definitions.deadline", AsyncCallback=named("AsyncCallback"),
                   DeadlineAlert=named("DeadlineAlert"),
                   DeadlineReference=types.SimpleNamespace(DAGRUN_LOGICAL_DATE="DAGRUN_LOGICAL_DATE"))
    source = open(path, encoding="utf-8").read()
    namespace = {"__name__": "recsv_weekly"}
    exec(compile(source, path, "exec"), namespace)

    dag = CREATED["dag"].kwargs
    merge = CREATED["merge"].kwargs
    sensor = CREATED["input_ready"].kwargs
    print("asset_class\t" + merge["outlets"][0].kind)
    print("published\t" + merge["outlets"][0].args[0])
    print("input\t" + sensor["inlets"][0].args[0])
    print("merge_sla\t" + str(merge.get("sla")))
    print("other_slas\t" + str(sorted(t for t, op in CREATED.items() if t not in ("dag", "merge") and "sla" in op.kwargs)))
    deadline = dag.get("deadline")
    print("deadline\t" + ("none" if deadline is None else
                          f"{deadline.kwargs['reference']} + {deadline.kwargs['interval']}"))
    if deadline is not None:
        callback = deadline.kwargs["callback"].args[0]
        asyncio.run(callback({"dag_run": types.SimpleNamespace(run_id="scheduled__2026-12-07T02:00:00+00:00")}))
        for to, subject, body in MAILS:
            print("mail\t" + to + "\t" + subject + "\t" + body)


if __name__ == "__main__":
    main()
