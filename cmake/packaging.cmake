# `cmake --install`: the binary with the libraries it links, its built-in extensions, the
# managed runtimes' clients, the report's schema, the docs and a man page under a prefix.
# scripts/package.sh makes the release archive and the .deb from this tree.

include(GNUInstallDirs)

# One installed tree for every Linux with glibc 2.34 or later (Debian 12, Ubuntu 22.04 and on),
# whatever it has installed: the shared libraries the binary links, but glibc's own, go with it
# into lib/lambda-emu/lib, where its run path looks first. The .tar.gz and the .deb that
# scripts/package.sh makes hold this tree.
install(TARGETS lambda-emu RUNTIME_DEPENDENCY_SET lambda_emu_libraries RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(lambda-emu PROPERTIES INSTALL_RPATH "\$ORIGIN/../lib/lambda-emu/lib")
install(RUNTIME_DEPENDENCY_SET lambda_emu_libraries
        DESTINATION lib/lambda-emu/lib
        PRE_EXCLUDE_REGEXES "^ld-linux" "^linux-vdso" "^lib(c|m|dl|rt|pthread|resolv)\\.so")
# lib/, not the multiarch libdir: lambda-emu looks for it at ../lib/lambda-emu/stand-ins beside itself.
install(TARGETS lambda-insights-stand-in RUNTIME DESTINATION lib/lambda-emu/stand-ins)
install(PROGRAMS $<TARGET_FILE_DIR:lambda-insights-stand-in>/shutdown-listener DESTINATION lib/lambda-emu/stand-ins)
# The managed runtimes' clients that scripts/setup.sh installed into runtimes/, as --runtime loads
# them (share/lambda-emu/runtimes, found from the binary's own place): not their build inputs
# (deps/, the build-time node_modules of aws-lambda-ric), which are most of their size.
foreach(client nodejs/node_modules/aws-lambda-ric-3 nodejs/node_modules/aws-lambda-ric-4 python/site-packages java/lib)
  if(EXISTS ${PROJECT_SOURCE_DIR}/runtimes/${client})
    get_filename_component(parent ${client} DIRECTORY)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtimes/${client} DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/runtimes/${parent}
            USE_SOURCE_PERMISSIONS
            PATTERN deps EXCLUDE PATTERN node_modules EXCLUDE
            PATTERN __pycache__ EXCLUDE)
  endif()
endforeach()
# `--terraform DIR`'s HCL parser (runtimes/terraform: our script and the npm packages it loads).
if(EXISTS ${PROJECT_SOURCE_DIR}/runtimes/terraform/node_modules)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtimes/terraform/node_modules
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/runtimes/terraform
          PATTERN .installed-lock.json EXCLUDE PATTERN .package-lock.json EXCLUDE)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/runtimes/terraform/hcl2json.mjs ${PROJECT_SOURCE_DIR}/runtimes/terraform/package.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/runtimes/terraform)
install(FILES ${PROJECT_SOURCE_DIR}/runtimes/nodejs/start-ric3.mjs DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/runtimes/nodejs)
install(FILES ${PROJECT_SOURCE_DIR}/docs/report.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/lambda-emu)
# The test helpers' sources (clients/: npm install or pip install them from there), without
# what their installs bring.
install(FILES ${PROJECT_SOURCE_DIR}/clients/node/package.json ${PROJECT_SOURCE_DIR}/clients/node/index.js
              ${PROJECT_SOURCE_DIR}/clients/node/index.d.ts ${PROJECT_SOURCE_DIR}/clients/node/report.d.ts
              ${PROJECT_SOURCE_DIR}/clients/node/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/clients/node)
install(FILES ${PROJECT_SOURCE_DIR}/clients/python/pyproject.toml ${PROJECT_SOURCE_DIR}/clients/python/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/clients/python)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/clients/python/lambda_emu DESTINATION ${CMAKE_INSTALL_DATADIR}/lambda-emu/clients/python
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
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
