# The production stack test's stand-ins (tests/stack/test_stack_production.py): moto as S3,
# fakesnow (with its S3 stages on moto and the Snowpipe stand-in) as Snowflake, and the fake
# Airbyte API, whose sync jobs land the demo shop with the spoon package. Built FROM the
# Airflow image the test runs (its venv has the spoon package and the pinned Airflow lock),
# plus moto and fakesnow at the versions pyproject.toml pins, from the stack test's
# wheelhouse; build context: tests/support. Test-only: never deployed.
ARG AIRFLOW_IMAGE=willows-spoon/airflow:0.1.0
FROM ${AIRFLOW_IMAGE}
ARG PIP_FIND_LINKS
ARG PIP_NO_INDEX
# e.g. "moto[server]==5.2.5 fakesnow[server]==0.12.1" (the test reads them from pyproject.toml)
ARG STANDIN_REQUIREMENTS
USER root
RUN test -n "${STANDIN_REQUIREMENTS}" \
 && /opt/airflow-venv/bin/pip install -q ${STANDIN_REQUIREMENTS}
COPY . /opt/standins/support
ENV PYTHONPATH=/opt/standins SPOON_ENV_FILE=/nonexistent.env
USER airflow
WORKDIR /tmp
ENTRYPOINT []
CMD ["python", "-c", "print('a stand-in: give its command')"]
