# `cmake --install` and `cpack -G DEB`: the binary, the report's schema and a man page under a
# prefix, and a Debian package of them whose Depends come from the libraries the binary links.

include(GNUInstallDirs)

install(TARGETS lambda-emu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# lib/, not the multiarch libdir: lambda-emu looks for it at ../lib/lambda-emu/stand-ins beside itself.
install(TARGETS lambda-insights-stand-in RUNTIME DESTINATION lib/lambda-emu/stand-ins)
install(FILES ${PROJECT_SOURCE_DIR}/docs/report.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/lambda-emu)
# The pages the README links, beside it, so that its links resolve in an installed copy too.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/lambda-emu/docs
        FILES_MATCHING PATTERN "*.md")

# The man page is generated from the binary's own --help (the program's and each command's), so
# it never says what the program does not: scripts/man_page.py runs Debian's help2man.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(LAMBDA_EMU_MAN_PAGE ${CMAKE_CURRENT_BINARY_DIR}/lambda-emu.1)
  add_custom_command(
    OUTPUT ${LAMBDA_EMU_MAN_PAGE}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/man_page.py $<TARGET_FILE:lambda-emu> ${LAMBDA_EMU_MAN_PAGE}
    DEPENDS lambda-emu ${PROJECT_SOURCE_DIR}/scripts/man_page.py
    COMMENT "Generating the man page lambda-emu.1 from --help"
    VERBATIM)
  add_custom_target(man_page ALL DEPENDS ${LAMBDA_EMU_MAN_PAGE})
  install(FILES ${LAMBDA_EMU_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "help2man not found: no man page (scripts/setup.sh installs it)")
endif()

set(CPACK_PACKAGE_NAME lambda-emu)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "lambda-emu maintainers <lambda-emu@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Local AWS Lambda lifecycle emulator (Init, Invoke, Shutdown)")
set(CPACK_PACKAGE_DESCRIPTION
    "Runs a Lambda function's bootstrap and its extensions through Init, invocations and the Shutdown phase as Lambda does, serves the Runtime, Extensions, Telemetry, Logs and Invoke APIs on 127.0.0.1, and reports every process's cleanup as a table, JSON, JUnit and HTML.")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Boost, nlohmann-json and CLI11 are header-only here: Depends is what dpkg-shlibdeps finds the
# binary links (libc, libstdc++, libgcc, and yaml-cpp once templates are read).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
