@echo off
rem Check the configuration before (re)starting the service; lists every problem with file, line and key.
java -jar "%~dp0forwarder.jar" validate --config "%~dp0forwarder.yml"
