# syntax=docker/dockerfile:1
#
# One image, two entry points:
#   gateway (default):     java -jar /app/dragoman-gateway.jar
#   Kubeflow controller:   the pod overrides the command, e.g.
#                            command: ["java", "-jar", "/app/dragoman-kubeflow.jar"]
#                          or locally: docker run --entrypoint java IMAGE -jar /app/dragoman-kubeflow.jar
#
# Base images are pinned by version tag and digest, so a rebuild uses the same bytes. The digests were taken
# from public Dockerfiles kept current by dependency bots, not resolved against the registry where this file
# was written; release tooling (Renovate/Dependabot, or `docker buildx imagetools inspect <image:tag>`)
# verifies and bumps them.

FROM maven:3.9.9-eclipse-temurin-17@sha256:f58d59b6273e785ac0a4477f6e9b5ba1d7731c75b906c0f7b34076f1851318cc AS build
WORKDIR /src
# POMs before sources: a change to code alone keeps the layer cache of the parent/module descriptors.
COPY pom.xml ./
COPY gateway/pom.xml gateway/
COPY kubeflow-integration/pom.xml kubeflow-integration/
COPY gateway/src gateway/src
COPY kubeflow-integration/src kubeflow-integration/src
# Tests run in CI (`mvn -B verify`), not in the image build, which has no kubectl or loopback upstreams.
RUN --mount=type=cache,target=/root/.m2 ["mvn", "-B", "-DskipTests", "package"]

FROM eclipse-temurin:17.0.15_6-jre-jammy@sha256:79d24d4b2916965947491f60bcb350ffd8a63fcf81accafa023135cc6a3279fc
# A passwd entry for the numeric user, so the JVM's user.home and tools that look the user up behave.
RUN groupadd --system --gid 10001 dragoman \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin dragoman
WORKDIR /app
# Owned by root and not writable by the runtime user: the process cannot alter its own code.
COPY --from=build /src/gateway/target/dragoman-gateway.jar /app/dragoman-gateway.jar
COPY --from=build /src/kubeflow-integration/target/dragoman-kubeflow.jar /app/dragoman-kubeflow.jar
# Heap from the container's memory limit; exit on OOM so the orchestrator restarts a clean JVM. The serial
# collector whatever the limit: short young pauses for a proxy's short-lived garbage (bench/README.md, Soak).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC"
# 8080 public listener, 8877 admin listener (health, diagnostics, metrics).
EXPOSE 8080 8877
# Numeric, so Kubernetes' runAsNonRoot can verify it without resolving a name.
USER 10001:10001
# Exec form: java is PID 1 and receives SIGTERM itself, which starts the gateway's drain.
ENTRYPOINT ["java", "-jar", "/app/dragoman-gateway.jar"]
